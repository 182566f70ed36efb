import { getFileNameLowLevel, openPromise, type ZipFile } from 'yauzl';
import { entryPath, writeEntry } from './archive-entry';
import { ModelLoadError } from './model-load-error';
import type { UnpackBudget } from './unpack-budget';

/**
 * Unpacks a zip file entry by entry from its central directory, inflating each as a stream.
 * Sizes are checked by the budget, not by yauzl, so that a lying entry fails with the cap's message.
 */
export async function unpackZip(file: string, dest: string, budget: UnpackBudget): Promise<void> {
  let zip: ZipFile;
  try {
    // decodeStrings off: yauzl would refuse `../` names with its own words; entryPath names them ours.
    zip = await openPromise(file, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: false,
    });
  } catch (err) {
    throw corrupt(err);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const path = entryPath(
        getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false),
      );
      if (!path) continue;
      budget.startFile(entry.uncompressedSize);
      await writeEntry(await zip.openReadStreamPromise(entry), dest, path, budget);
    }
  } catch (err) {
    throw err instanceof ModelLoadError ? err : corrupt(err);
  } finally {
    zip.close();
  }
}

function corrupt(err: unknown): ModelLoadError {
  return new ModelLoadError(`the zip archive is corrupt: ${(err as Error).message}`);
}
