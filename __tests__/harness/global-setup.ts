/** Runs once before all test files. Kept cheap: fixtures that need a daemon start it themselves. */
export default async function globalSetup(): Promise<void> {}
