/** Which input version a version was built from. */
export interface InputVersion {
  readonly dataset: string;
  readonly key: string;
  readonly version: string;
}
