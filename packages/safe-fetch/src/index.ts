export * from './address-policy';
export * from './safe-fetch-error';
export * from './safe-fetch';
export * from './safe-fetch-to-file';
