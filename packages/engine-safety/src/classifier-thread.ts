// The engine thread of `NsfwClassifier`: one LocalNsfwClassifier, its model loaded once per thread.
import { asBuffer, serveEngine } from '@easel/engine-thread';
import { LocalNsfwClassifier } from './local-classifier';

const classifier = new LocalNsfwClassifier();

serveEngine({
  classify: (image: Uint8Array) => classifier.classify(asBuffer(image)),
});
