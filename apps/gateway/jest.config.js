// engine-voice's codecs (read for base64 audio and stored voices) are ES modules, loaded by `import()`.
module.exports = require('../../jest.preset')(__dirname, {}, { keepDynamicImport: true });
