/** Written into every manifest, so an auditor knows which SDK produced a bundle. Kept in step with package.json by a unit test. */
export const SDK_NAME = '@dualrec/sdk';
export const SDK_VERSION = '0.1.0';
