import { fromBinary } from '@bufbuild/protobuf';
import { JobEventSchema, JobStatus } from './gen/easel/jobs/v1/job_pb';
import { decodeEvent, encodeEvent } from './job-events';
import { MalformedMessageError } from './malformed-message';

describe('job events on the bus', () => {
  it.each([{ step: 7, total: 20, eta: 1.25 }, { step: 2, total: 4, eta: 0.5, preview: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) }, { step: 5, total: 8, eta: 0.5, phase: 'highres_refine' }, { status: 'success' as const }, { status: 'failed' as const }])('round-trips %j', (event) => {
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('is the binary easel.jobs.v1.JobEvent', () => {
    expect(fromBinary(JobEventSchema, encodeEvent({ status: 'failed' })).event).toMatchObject({
      case: 'ended',
      value: { status: JobStatus.FAILED },
    });
    expect(fromBinary(JobEventSchema, encodeEvent({ step: 3, total: 4, eta: 0.5 })).event).toMatchObject({
      case: 'progress',
      value: { step: 3, total: 4, eta: 0.5 },
    });
  });

  it.each([
    ['JSON', new TextEncoder().encode('{"status":"success"}')],
    ['an empty event', new Uint8Array()],
    ['garbage', Uint8Array.from([0xff, 0xff, 0xff, 0xff])],
  ])('rejects %s', (_name, bytes) => {
    expect(() => decodeEvent(bytes)).toThrow(MalformedMessageError);
  });
});
