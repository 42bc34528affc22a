/**
 * Where `openDossier` lived before the pipeline. Kept only for automatic-step.command.ts, which
 * opens its dossier itself until it runs through `DossierCommandPipeline`; then this file goes.
 */
export { openDossier } from '../dossier-command-pipeline';
