// An ES module loaded from this CommonJS package: a real import(), kept out of the TypeScript and
// Jest (SWC) transforms, which would turn it into a require() that cannot load an ES module.
module.exports = (specifier) => import(specifier);
