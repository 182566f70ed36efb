// Runs every package's and app's Jest project in one go: `pnpm exec jest`.
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/test/jest.config.js'],
};
