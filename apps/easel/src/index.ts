export * from './embedded/start-embedded';
export * from './first-image';
export { CliError } from './cli-error';
