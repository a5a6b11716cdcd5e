const mode = process.argv[2];
const { collectDefaultMetrics, Registry } = require('prom-client');
if (mode === 'on') collectDefaultMetrics({ register: new Registry(), eventLoopMonitoringPrecision: 1000 });
if (mode === 'nogc') { collectDefaultMetrics({ register: new Registry(), eventLoopMonitoringPrecision: 1000, gcDurationBuckets: [] }); }
let keep = [];
setInterval(() => { for (let i = 0; i < 20; i++) { const a = []; for (let j = 0; j < 500; j++) a.push({ j, s: 'x' + j }); keep = a; } }, 100);
let base; setTimeout(() => { const u = process.cpuUsage(); base = (u.user + u.system) / 1000; }, 3000);
setTimeout(() => { const u = process.cpuUsage(); console.log(mode, 'ms CPU in 30 s', ((u.user + u.system) / 1000 - base).toFixed(1)); process.exit(0); }, 33000);
