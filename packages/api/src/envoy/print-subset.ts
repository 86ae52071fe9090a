/**
 * Prints docs/bootstrap-subset.md: `npm run docs:bootstrap`.
 */
import { renderSubsetDocument } from './subset-doc.ts';

process.stdout.write(renderSubsetDocument());
