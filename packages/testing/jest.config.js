// Contract suites wait on real servers (NATS redelivery after an ack wait, S3): allow them time
// when the machine is busy; each test still bounds its own waits. The voice judge reaches
// engine-voice's codecs, ES modules loaded by `import()`.
module.exports = require('../../jest.preset')(__dirname, { testTimeout: 30_000 }, { keepDynamicImport: true });
