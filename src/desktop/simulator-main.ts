import './simulator/simulator-app.js';
