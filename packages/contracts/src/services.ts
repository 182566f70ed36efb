import { CHAT_CONTRACT } from './chat-proto';
import { CONTROLNET_CONTRACT } from './controlnet-proto';
import { DIFFUSION_CONTRACT } from './diffusion-proto';
import { IMAGE_EDITING_CONTRACT } from './image-editing-proto';
import { MESH_CONTRACT } from './mesh-proto';
import type { RequestCase, ServiceContract } from './service-contract';
import { SUPER_RESOLUTION_CONTRACT } from './super-resolution-proto';
import { TRAINING_CONTRACT } from './training-proto';
import { VIDEO_CONTRACT } from './video-proto';
import { VOICE_CONTRACT } from './voice-proto';

/**
 * Every service Easel runs, found by name, job kind or request case: the gateway publishes and the
 * workers decode through this list, so a new service is one more entry (and one more oneof case
 * in proto/easel/jobs/v1/job.proto), never a new branch.
 */
export const SERVICE_CONTRACTS = [
  DIFFUSION_CONTRACT,
  SUPER_RESOLUTION_CONTRACT,
  IMAGE_EDITING_CONTRACT,
  CONTROLNET_CONTRACT,
  TRAINING_CONTRACT,
  CHAT_CONTRACT,
  VIDEO_CONTRACT,
  MESH_CONTRACT,
  VOICE_CONTRACT,
] as const;

export type KnownServiceContract = (typeof SERVICE_CONTRACTS)[number];
/** The params of every service's jobs. */
export type ServiceParams = Parameters<KnownServiceContract['toRequest']>[0];

export const SERVICE_NAMES: readonly string[] = SERVICE_CONTRACTS.map((c) => c.name);

const byKind = new Map<string, ServiceContract>(
  SERVICE_CONTRACTS.flatMap((c) => c.kinds.map((kind) => [kind, c as unknown as ServiceContract])),
);
const byCase = new Map<RequestCase, ServiceContract>(
  SERVICE_CONTRACTS.map((c) => [c.requestCase, c as unknown as ServiceContract]),
);
const byName = new Map<string, ServiceContract>(
  SERVICE_CONTRACTS.map((c) => [c.name, c as unknown as ServiceContract]),
);

export const serviceContractForKind = (kind: string): ServiceContract | undefined => byKind.get(kind);
export const serviceContractForCase = (requestCase: RequestCase): ServiceContract | undefined =>
  byCase.get(requestCase);
export const serviceContract = (name: string): ServiceContract | undefined => byName.get(name);

/** The service that runs jobs of `kind`; throws for a kind no service declares. */
export function serviceOfKind(kind: string): string {
  const contract = byKind.get(kind);
  if (!contract)
    throw new Error(`no service runs jobs of kind "${kind}" (known kinds: ${[...byKind.keys()].join(', ')})`);
  return contract.name;
}
