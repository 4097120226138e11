import './supervisor/supervisor-app.js';
