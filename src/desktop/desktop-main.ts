import './app/desktop-app.js';
