// Preloaded (`node --require`) into the one-shot CLI by `npm run bench`: at exit, the process's own CPU time and
// peak resident memory go to the file named by BENCH_USAGE_FILE (a child's rusage is not visible from Node).
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_USAGE_FILE;
  if (!file) return;
  const cpu = process.cpuUsage();
  writeFileSync(
    file,
    JSON.stringify({
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
});
