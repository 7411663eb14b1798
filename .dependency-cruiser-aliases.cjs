// Resolver aliases for dependency-cruiser only (SvelteKit's `$lib`); not a build configuration.
module.exports = { resolve: { alias: { $lib: `${__dirname}/src/lib` } } };
