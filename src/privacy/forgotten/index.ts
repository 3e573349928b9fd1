/** Forgotten data subjects as readers see them: the list, and how their rows are recognised. */
export { forgottenRowsOf, forgottenDeadLetters } from './forgotten-rows.ts';
export { forgottenSubjects } from './forgotten-subjects.ts';
