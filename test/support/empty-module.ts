// Stands in for `server-only` under the test runner, which is not a React
// Server Components environment.
export {};
