/** `GET /api/project`: which load of the project's files the server runs, and what went wrong with a later one. */

/** A change of the project's files that did not load: the project in use is the last one that did. */
export interface ProjectLoadError {
  readonly message: string;
  /** The file and field or line, when the error says. */
  readonly where: string | null;
  readonly hint: string | null;
  /** When the change was tried. */
  readonly at: string;
}

/** `GET /api/project`. */
export interface ProjectStatus {
  readonly name: string;
  /** Loads since the server started: 0 is the project it started with; `pond up` loads it again when its files change. */
  readonly generation: number;
  /** When the project in use was loaded. */
  readonly loadedAt: string;
  /** Set while the files on disk hold a change that did not load; null when the project in use is what the files say. */
  readonly error: ProjectLoadError | null;
}
