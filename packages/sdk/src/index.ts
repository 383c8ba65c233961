// This package has no code yet; see README.md.
export {};
