import { SetMetadata } from '@nestjs/common';
import type { GenerationKind } from '../generation/request';

/** What a route's request body is; each has a schema in the document. */
export type RequestDoc =
  /** A job of any service: the body its ServiceDefinition reads for `kind`. */
  | { type: 'job'; kind: string; requireModelId?: boolean }
  /** `{key}` plus the job id in the path or as `request_id`. */
  | { type: 'fetch' }
  /** `{key}` and nothing else the route reads. */
  | { type: 'key' }
  /** `{key}` plus route-specific fields (described in prose). */
  | { type: 'key-and-fields' }
  /** `{key, id}` or `{key, request_id}`. */
  | { type: 'job-id' }
  /** No body (GET routes). */
  | { type: 'none' }
  /** A GET a browser opens directly: the key as `Authorization: Bearer` or the `key` query parameter. */
  | { type: 'query-key' };

/** The success answer of a route: a component schema name, or a media type and free schema. */
export type SuccessDoc = { status: number; schema?: string; contentType?: string; description?: string };

export interface OperationDoc {
  summary: string;
  description?: string;
  tags?: string[];
  request?: RequestDoc;
  /** Query parameters the route reads (OpenAPI Parameter Objects, `in: query`); bad values answer 422. */
  query?: Record<string, unknown>[];
  /** Answers on success; the dialect's error responses are added from `request`. */
  success?: SuccessDoc[];
  /** The route creates a job (generation): its 2xx answers count as accepted jobs in /metrics. */
  submitsJob?: boolean;
}

export const OPERATION_DOC = 'easel:openapi:operation';

/**
 * Describes a route in /openapi.json. A route without it still appears (summary from its
 * handler's name, a `{key}` body for POST); a controller in this folder uses it directly.
 */
export const ApiOperationDoc = (doc: OperationDoc) => SetMetadata(OPERATION_DOC, doc);

const generation = (
  kind: GenerationKind,
  requireModelId: boolean,
  summary: string,
  description: string,
): OperationDoc => ({
  summary,
  description,
  tags: [requireModelId ? 'community models (dreambooth)' : 'image generation'],
  request: { type: 'job', kind, requireModelId },
  submitsJob: true,
});

const SYNC_WINDOW =
  'Answers `success` when the job ends within the sync window (EASEL_SYNC_WINDOW_MS, default 8 s), else `processing` (202) with `fetch_result` and `future_links`; a job that ended failed answers the `failed` shape (200).';

const admin = (summary: string, description?: string): OperationDoc => ({
  summary,
  description: `Admin keys only. ${description ?? ''}`.trim(),
  tags: ['enterprise'],
  request: { type: 'key-and-fields' },
});

/**
 * Docs for the routes of controllers outside this folder, by `Controller.handler` (so the
 * controllers stay free of documentation code). An entry whose handler no longer exists is
 * caught by openapi.test.ts; a handler without an entry gets the generic description.
 */
export const KNOWN_OPERATIONS: Record<string, OperationDoc> = {
  'GenerationController.text2img': generation('text2img', false, 'Text to image', SYNC_WINDOW),
  'GenerationController.img2img': generation(
    'img2img',
    false,
    'Image to image',
    `init_image is the starting point. ${SYNC_WINDOW}`,
  ),
  'GenerationController.inpaint': generation(
    'inpaint',
    false,
    'Inpainting',
    `mask_image: white is repainted. Also at /api/v6/image_editing/inpaint (the image_editing family's path), the same operation. ${SYNC_WINDOW}`,
  ),
  'GenerationController.dreamboothText2img': generation(
    'text2img',
    true,
    'Text to image with a community model',
    `model_id is required. ${SYNC_WINDOW}`,
  ),
  'GenerationController.dreamboothImg2img': generation(
    'img2img',
    true,
    'Image to image with a community model',
    `model_id is required. ${SYNC_WINDOW}`,
  ),
  'GenerationController.dreamboothInpaint': generation(
    'inpaint',
    true,
    'Inpainting with a community model',
    `model_id is required. ${SYNC_WINDOW}`,
  ),
  'GenerationController.fetch': {
    summary: 'Fetch a job',
    description: "The success, processing or failed shape. Only the key's own tenant may fetch a job.",
    tags: ['image generation'],
    request: { type: 'fetch' },
  },
  'JobEventsController.events': {
    summary: "A job's progress as server-sent events",
    description:
      "Easel's addition, for any job kind. GET with the key as `Authorization: Bearer <key>` or, for EventSource (which cannot send headers), the `key` query parameter; another tenant's job is 404. Events: `progress` (data `{id, step, total, eta}`, and `preview`, a small PNG data URI of the current latents on the first reported step and then every few steps; a job of several passes adds `phase` — `highres_base`, then `highres_refine` for text2img with highres_fix — while step and total count the steps of every pass, and each pass's first step comes with a preview), `end` (data: exactly the JSON the fetch endpoint returns, success or failed shape), then the server closes the stream; a job already ended answers its `end` at once. A comment line (`: heartbeat`) every 15 s keeps idle connections open. Events come from the bus, so any gateway replica serves any job. EventSource reconnects when a stream closes: call `close()` on `end`.",
    tags: ['image generation'],
    request: { type: 'query-key' },
    success: [
      {
        status: 200,
        contentType: 'text/event-stream',
        description: 'event: progress / data: {"id":42,"step":3,"total":20,"eta":1.7,"preview":"data:image/png;base64,..."} (with highres_fix also "phase":"highres_refine"), then event: end / data: <the fetch body>.',
      },
    ],
  },
  'JobListController.list': {
    summary: "The tenant's recent jobs",
    description:
      "Easel's addition, for any job kind: the key's tenant's jobs (never another tenant's), newest first, a page at a time. GET with the key as `Authorization: Bearer <key>` or the `key` query parameter. Each job is as fetch shows it, in links only (`output`, never base64), with `kind`, `created_at`, `finished_at` and `thumbnail` (the first output that is an image, full size). Pages are keyset-paginated on (created_at, id): pass `next_cursor` as `cursor` for the next, older page; jobs submitted meanwhile do not shift it. A bad `limit` or `cursor` answers 422 naming it.",
    tags: ['image generation'],
    request: { type: 'query-key' },
    query: [
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Jobs per page.',
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The `next_cursor` of the previous page; absent for the newest jobs.',
        schema: { type: 'string', maxLength: 64 },
      },
    ],
    success: [{ status: 200, schema: 'JobList' }],
  },
  'ImageEditingController.superResolutionJob': {
    summary: 'Super resolution (ESRGAN-family upscaling)',
    description: `One image, 2–4× larger, on a bundled UpscalerJS model (tiled with blended overlaps). Same job lifecycle as generation: credits held, fetch, webhooks. ${SYNC_WINDOW}`,
    tags: ['image editing'],
    request: { type: 'job', kind: 'super_resolution' },
    submitsJob: true,
  },
  'ImageEditingController.removeBackgroundJob': {
    summary: 'Background removal (removebg_mask)',
    description: `The object kept and the background made transparent: an RGBA PNG (or the mask alone with only_mask, inverted with inverse_mask). The default engine is OpenCV's GrabCut (@techstark/opencv-js, Apache-2.0) seeded by the border's colours: what differs from every colour along the picture's edge is taken to be the object. Same job lifecycle as generation: credits held, fetch at /api/v6/image_editing/fetch/{id}, webhooks. ${SYNC_WINDOW}`,
    tags: ['image editing'],
    request: { type: 'job', kind: 'removebg_mask' },
    submitsJob: true,
  },
  'ImageEditingController.outpaintJob': {
    summary: 'Outpaint (extend the canvas)',
    description: `The image placed on a larger canvas — width × height with the image centred, or the image grown by left/right/top/bottom pixels — and the new area drawn by the diffusion model (inpainting with the prompt; the model draws at most twice its native side, the fill is resized to the canvas). overlap_width pixels of the image along each new edge are repainted and blended into the fill with a linear ramp; every other pixel of the image is kept exactly. Runs on the diffusion service (its GPU pool): the fill needs the UNet. Same job lifecycle as generation: credits held, fetch at /api/v6/image_editing/fetch/{id}, webhooks. ${SYNC_WINDOW}`,
    tags: ['image editing'],
    request: { type: 'job', kind: 'outpaint' },
    submitsJob: true,
  },
  'ImageEditingController.objectRemovalJob': {
    summary: 'Object removal (fill)',
    description: `The object under mask_image (white), or the one the prompt names by its colour ("remove the red circle"), removed and its hole filled from what surrounds it: OpenCV's Telea inpainting (@techstark/opencv-js, Apache-2.0) after the mask is grown by mask_dilate. A classical fill, chosen over the diffusion model's because it matched the surroundings' colour better on the bundled model (see packages/testing/README.md). Same job lifecycle: credits held, fetch at /api/v6/image_editing/fetch/{id}, webhooks. ${SYNC_WINDOW}`,
    tags: ['image editing'],
    request: { type: 'job', kind: 'object_removal' },
    submitsJob: true,
  },
  'ImageEditingController.faceRestoreJob': {
    summary: 'Face restoration (GFPGAN / CodeFormer ONNX)',
    description: `A GFPGAN- or CodeFormer-style ONNX graph (input [1,3,512,512] in [-1,1], output the same) loaded through the model store (POST /api/v3/load_model, model_category face_restore, model_format onnx: one .onnx file) run on the image, taken as one aligned face crop: resized to the graph's input, restored, resized back. No face model is bundled (none has a permissive licence) and no face detector: without a face_restore model loaded the request is refused (422) naming model_id. Same job lifecycle: credits held, fetch at /api/v6/image_editing/fetch/{id}, webhooks. ${SYNC_WINDOW}`,
    tags: ['image editing'],
    request: { type: 'job', kind: 'face_restore' },
    submitsJob: true,
  },
  'ImageEditingController.fetch': {
    summary: 'Fetch an image-editing job',
    description: "The v6 image_editing alias of /api/v3/fetch/{id}. Only the key's own tenant may fetch a job.",
    tags: ['image editing'],
    request: { type: 'fetch' },
  },
  'ControlNetController.controlnet': {
    summary: 'ControlNet: a generation steered by hint images (multi-ControlNet)',
    description: `The prompt decides what is drawn, each ControlNet's hint (edges, a scribble, a segmentation) where and with what outline. controlnet_model is a comma list (their residuals are summed, each with its controlnet_conditioning_scale); auto_hint: yes makes the hint from control_image (else init_image) with the type's preprocessor (canny, scribble, softedge, segmentation, tile, on OpenCV.js). Without strength it is text-to-image under control; with init_image and strength, img2img; with mask_image, inpaint. The bundled ControlNets (canny, scribble, segmentation) are trained for easel-tiny; a real SD 1.5 ControlNet exported to ONNX (diffusers' interface) runs on a base model whose UNet takes the residuals. Same job lifecycle as generation: credits held, fetch at /api/v5/fetch/{id}, webhooks. ${SYNC_WINDOW}`,
    tags: ['controlnet'],
    request: { type: 'job', kind: 'controlnet' },
    submitsJob: true,
  },
  'ControlNetController.fetch': {
    summary: 'Fetch a ControlNet job',
    description: "The v5 alias of /api/v3/fetch/{id}. Only the key's own tenant may fetch a job.",
    tags: ['controlnet'],
    request: { type: 'fetch' },
  },
  'TrainingController.loraFineTune': {
    summary: 'Train a LoRA (or LyCORIS) on instance images',
    description: 'Trains low-rank pairs on a stable_diffusion base model from 4–30 instance images captioned by instance_prompt, on the training pool (PyTorch over the model\'s own ONNX graphs). Answers at once with training_id and model_id (training_status deploying_gpu); poll /api/v3/fine_tune_status/{training_id} until model_ready, then use model_id as lora_model. Webhook: the status body when it ends.',
    tags: ['training'],
    request: { type: 'job', kind: 'lora_fine_tune' },
    submitsJob: true,
  },
  'TrainingController.fineTune': {
    summary: 'DreamBooth: fine-tune a whole model on instance images',
    description: "Trains the base model's UNet and text encoder on 4–30 instance images (with class_prompt: prior preservation on class images the base model draws first). Answers at once with training_id and model_id; poll /api/v3/fine_tune_status/{training_id} until model_ready, then use model_id as a model in every generation endpoint.",
    tags: ['training'],
    request: { type: 'job', kind: 'fine_tune' },
    submitsJob: true,
  },
  'TrainingController.status': {
    summary: "A training's status",
    description: 'training_status (deploying_gpu, training_started, trained_model_uploading, model_ready, failed), messege, data, step, total_steps, loss, eta, logs (the trainer\'s last lines), lora_link for a LoRA. The training id in the path or as training_id.',
    tags: ['training'],
    request: { type: 'key-and-fields' },
  },
  'TrainingController.cancel': {
    summary: 'Cancel a training (also cancle_training)',
    description: 'Ends a queued or running training: its credits are released and its worker stops the trainer within seconds.',
    tags: ['training'],
    request: { type: 'key-and-fields' },
  },
  'TrainingController.delete': {
    summary: 'Delete a training and its model',
    description: 'Cancels the training if it runs and deletes the model it made; the training record stays.',
    tags: ['training'],
    request: { type: 'key-and-fields' },
  },
  'VideoController.text2video': {
    summary: 'Text to video: a short clip from a prompt (MP4 or GIF)',
    description: `prompt, negative_prompt, model_id (category video; default the deployment's, easel-tiny-motion), width/height (multiples of 8, 64–512), num_frames (2–25), fps, num_inference_steps, guidance_scale, seed (the same seed and request give the same file), output_type (mp4: H.264 Constrained Baseline, avc1, yuv420p; gif). instant_response: yes answers \`processing\` at once. ${SYNC_WINDOW} Progress events per denoising step (phase denoise) and per decoded frame (phase decode).`,
    tags: ['video'],
    request: { type: 'job', kind: 'text2video' },
    submitsJob: true,
  },
  'VideoController.img2video': {
    summary: 'Image to video: a clip that starts from init_image',
    description: `init_image is the first frame; the prompt names the motion. Stable Video Diffusion's min_guidance_scale/max_guidance_scale (the guidance grows from the first frame to the last), noise_aug_strength and motion_bucket_id (127: the whole motion). Otherwise as text2video. ${SYNC_WINDOW}`,
    tags: ['video'],
    request: { type: 'job', kind: 'img2video' },
    submitsJob: true,
  },
  'VideoController.fetch': {
    summary: 'Fetch a video job',
    description: "The success, processing or failed shape of a video job. Only the key's own tenant may fetch it.",
    tags: ['video'],
    request: { type: 'fetch' },
  },
  'MeshController.textTo3d': {
    summary: 'Text to 3D: a coloured mesh from a prompt (GLB, OBJ, PLY or STL)',
    description: `prompt, negative_prompt, model_id (category 3d; default the deployment's, easel-tiny-mesh), resolution (marching cubes' grid, 32–512, default 256), output_format (glb: glTF 2.0 with vertex colours, the default; obj; ply; stl), mesh_simplify (the share of triangles removed, 0.90–0.98; 0 keeps all), num_inference_steps, guidance_scale, seed (the same seed and request give the same file), render (yes: also a turntable GIF). \`output\` is the mesh's URL; \`preview\` a PNG rendered from the mesh (and \`turntable\` the GIF). The public model's ss_*/slat_* sampler fields and chunk_size are accepted and echoed in meta. instant_response: yes answers \`processing\` at once. ${SYNC_WINDOW} Progress events per prior step (phase denoise), then surface and files.`,
    tags: ['3d'],
    request: { type: 'job', kind: 'text_to_3d' },
    submitsJob: true,
  },
  'MeshController.imageTo3d': {
    summary: 'Image to 3D: a coloured mesh of the object in a picture',
    description: `image (or init_image): the object is cut from its background (remove_bg, default yes here) and framed so it spans foreground_ratio of the view, as the model's training views were; multi_image is refused (one picture). Otherwise as text_to_3d. ${SYNC_WINDOW}`,
    tags: ['3d'],
    request: { type: 'job', kind: 'image_to_3d' },
    submitsJob: true,
  },
  'MeshController.fetch': {
    summary: 'Fetch a 3D job',
    description: "The success, processing or failed shape of a 3D job. Only the key's own tenant may fetch it.",
    tags: ['3d'],
    request: { type: 'fetch' },
  },
  'VoiceController.textToAudio': {
    summary: 'Text to audio: speech in a cloned voice (a reference recording or a stored voice)',
    description: `prompt (the text, at most 2000 characters), init_audio (a 4–30 s recording of the voice to clone, URL or base64 WAV/MP3; wins over voice_id) or voice_id (a stored voice, cloned from its reference; or a built-in/Piper voice, spoken as it is), model_id (the cloning model, category voice; default the deployment's, easel-tiny-voice), language (english; a language no installed voice speaks is refused), speed (0.5–2), emotion (neutral, happy, sad, angry, dull: pace and pitch), seed, output_format (wav, the default, or mp3). \`output\` and \`links\` hold the audio's URL, \`audio_time\` its seconds. ${SYNC_WINDOW} Progress events: speech, clone, encode.`,
    tags: ['voice'],
    request: { type: 'job', kind: 'text_to_audio' },
    submitsJob: true,
  },
  'VoiceController.textToSpeech': {
    summary: 'Text to speech: a built-in, Piper or stored voice reads the text',
    description: `prompt, voice_id (a built-in Flite voice: slt, rms, awb, kal16, kal; a Piper voice loaded as a model of category voice; or a stored voice, cloned; default EASEL_DEFAULT_VOICE), language, speed, emotion, seed, output_format (wav or mp3). ${SYNC_WINDOW}`,
    tags: ['voice'],
    request: { type: 'job', kind: 'text_to_speech' },
    submitsJob: true,
  },
  'VoiceController.voiceToVoice': {
    summary: 'Voice to voice: a recording re-spoken in another voice',
    description: `init_audio (the speech, at most 30 s) and target_audio (a 4–30 s recording of the voice to speak in) or voice_id (a stored voice), model_id (the cloning model), seed, output_format. The timing follows init_audio. ${SYNC_WINDOW}`,
    tags: ['voice'],
    request: { type: 'job', kind: 'voice_to_voice' },
    submitsJob: true,
  },
  'VoiceController.fetch': {
    summary: 'Fetch a voice job',
    description: "The success, processing or failed shape of a voice job. Only the key's own tenant may fetch it.",
    tags: ['voice'],
    request: { type: 'fetch' },
  },
  'StoredVoicesController.upload': {
    summary: 'Store a voice (Easel\'s addition): a reference recording to clone by voice_id',
    description: 'Body: key, init_audio (a 4–30 s WAV or MP3, URL or base64), voice_id (optional: letters, digits, dots, dashes, underscores; drawn when absent), name. Answers 201 with {status, voice_id, name, seconds, created_at}. The voice is this tenant\'s alone.',
    tags: ['voice'],
    request: { type: 'key-and-fields' },
  },
  'StoredVoicesController.list': {
    summary: "This tenant's stored voices and the built-in voices",
    tags: ['voice'],
    request: { type: 'key' },
  },
  'StoredVoicesController.remove': {
    summary: 'Delete a stored voice',
    description: 'Body: key, voice_id. 404 when this tenant has no such voice.',
    tags: ['voice'],
    request: { type: 'key-and-fields' },
  },
  'ChatController.uncensoredChat': {
    summary: 'Uncensored chat: a reply from a chat model (llama.cpp, GGUF)',
    description:
      'messages (system, user and assistant turns; the last is the user\'s), max_tokens (default 512), temperature, top_p, presence_penalty, frequency_penalty, seed, stop, model_id (category llm; default the deployment\'s chat model, easel-chat-tiny). Answers `{"status":"success","message":<the reply>,"meta":{…},"usage":{…}}` once the reply is written (within EASEL_CHAT_SYNC_WINDOW_MS, else `processing` to fetch at /api/v6/llm/fetch/{id}). stream: yes answers server-sent events instead: `token` ({id, text}) as the reply is written, then `end` with the success body; closing the stream stops the reply and releases its credits. A conversation longer than the model\'s context answers 422 on messages.',
    tags: ['chat'],
    request: { type: 'job', kind: 'chat' },
    submitsJob: true,
  },
  'ChatController.fetch': {
    summary: 'Fetch a chat reply',
    description: "The success, processing or failed shape of a chat job. Only the key's own tenant may fetch it.",
    tags: ['chat'],
    request: { type: 'fetch' },
  },
  'OpenAiController.chatCompletions': {
    summary: 'OpenAI-compatible chat completions (also /api/v6/chat/completions)',
    description:
      "Easel's extra for OpenAI client libraries: `Authorization: Bearer <Easel API key>`, OpenAI's body (model, messages, max_tokens or max_completion_tokens, temperature, top_p, stop, seed, stream, stream_options.include_usage) and answers (`chat.completion` with usage; streamed `chat.completion.chunk`s then `[DONE]`); errors as `{error: {message, type, param, code}}`. The spam filter does not apply (clients repeat requests to regenerate); rate limits and credits do.",
    tags: ['chat'],
    request: { type: 'job', kind: 'chat' },
    submitsJob: true,
  },
  'OpenAiController.completions': {
    summary: 'OpenAI-compatible text completions (also /api/v6/completions)',
    description: 'As chat completions with a `prompt` instead of messages (the model\'s template frames it as the user\'s message); answers `text_completion`.',
    tags: ['chat'],
    request: { type: 'job', kind: 'completion' },
    submitsJob: true,
  },
  'OpenAiController.models': {
    summary: 'The chat models this key may use, in OpenAI\'s list shape (also /api/v6/models)',
    tags: ['chat'],
    request: { type: 'none' },
  },
  'OutputController.get': {
    summary: 'A generated file',
    description:
      'The `output`, `proxy_links` and `future_links` URLs: `/output/<token>/<job>-<i>.<ext>`. No key: the random per-job token is the capability, and it resolves to that job\'s files only. With the local store the gateway serves the file; with the S3 store it answers 302 to a fresh pre-signed S3 GET URL valid for EASEL_SIGNED_URL_TTL_S (default 300 s), so the link itself stays stable. Links of a `temp: yes` job expire EASEL_TEMP_LINK_TTL_S (default 3600 s) after the job ended, then answer 410.',
    tags: ['image generation'],
    request: { type: 'none' },
    success: [
      { status: 200, contentType: 'image/*', description: 'The image (png, jpeg or webp), from the local store.' },
      { status: 302, description: 'S3 store: `Location` is a pre-signed GET URL, valid for EASEL_SIGNED_URL_TTL_S seconds (never past a temp link\'s own expiry).' },
      { status: 410, schema: 'Error', description: 'A `temp: yes` link past its lifetime: `{"status":"error","message":"Link expired"}`.' },
    ],
  },
  'SystemController.systemLoad': {
    summary: 'Queue length and the time to work through it',
    tags: ['system'],
    request: { type: 'key' },
    success: [{ status: 200, schema: 'SystemLoad' }],
  },
  'ModelsController.list': {
    summary: 'Models visible to the key',
    tags: ['community models (dreambooth)'],
    request: { type: 'key' },
    success: [{ status: 200, schema: 'ModelList' }],
  },
  'ModelsController.load': {
    summary: 'Load a model from a URL (in the background)',
    description:
      'Fields: `url` (http/https; fetched with the SSRF rules), `model_id`, `model_category` (stable_diffusion | lora | embeddings; default stable_diffusion), `model_format` (diffusers | onnx: a zip/tar/tar.gz of a diffusers ONNX directory; safetensors for lora / embeddings; ckpt is refused), `model_visibility` (private | public), `revision`. Answers `{"status":"success","message":"model load started"}`; model_list then shows `loading`, `model_ready` or `failed` with `error`. 409 when the id is taken.',
    tags: ['community models (dreambooth)'],
    request: { type: 'key-and-fields' },
  },
  'ModelsController.delete': {
    summary: "Delete one of the tenant's own models",
    description: 'Field: `model_id`. "Model id not found" (404) for any other id.',
    tags: ['community models (dreambooth)'],
    request: { type: 'key-and-fields' },
  },
  'ModelsController.reload': {
    summary: "Drop a model's cached sessions",
    description: 'Field: `model_id`. The next job re-reads the model\'s files (and re-merges its LoRAs / embeddings).',
    tags: ['community models (dreambooth)'],
    request: { type: 'key-and-fields' },
  },
  'WebhookLogsController.logs': {
    summary: 'Webhook deliveries of a job',
    description:
      "Easel's addition: each signed delivery of the job-ended webhook, its attempts and last error.",
    tags: ['webhooks'],
    request: { type: 'job-id' },
    success: [{ status: 200, schema: 'WebhookLogs' }],
  },
  'PlaygroundController.page': {
    summary: 'The playground page (HTML)',
    description: 'A browser page to try every job operation of this document with live progress. The key stays in the tab (sessionStorage).',
    tags: ['operations'],
    request: { type: 'none' },
    success: [{ status: 200, contentType: 'text/html' }],
  },
  'PlaygroundController.asset': {
    summary: "The playground's scripts and stylesheet",
    tags: ['operations'],
    request: { type: 'none' },
    success: [{ status: 200, contentType: 'text/javascript' }],
  },
  'HealthController.healthz': {
    summary: 'The process is up',
    tags: ['operations'],
    request: { type: 'none' },
    success: [{ status: 200, schema: 'Health' }],
  },
  'HealthController.readyz': {
    summary: 'The process can serve (its database answers)',
    tags: ['operations'],
    request: { type: 'none' },
    success: [
      { status: 200, schema: 'Health' },
      { status: 503, description: 'The database does not answer, or the artifact store cannot take files (embedded: free space under EASEL_ARTIFACT_MIN_FREE_BYTES).' },
    ],
  },
  'EnterpriseController.createTenant': admin(
    'Create a tenant',
    'Fields: name (required), credits, rate_limit_per_minute, max_concurrent_jobs.',
  ),
  'EnterpriseController.listTenants': admin('List tenants'),
  'EnterpriseController.setLimits': admin(
    "Set a tenant's limits",
    'Fields: tenant_id, rate_limit_per_minute, max_concurrent_jobs.',
  ),
  'EnterpriseController.setRetention': admin(
    "Set a tenant's retention",
    'Fields: tenant_id, artifacts_days, jobs_days, webhook_logs_days — days to keep output files, job rows and webhook delivery logs after a job ends (0 keeps forever, "default" returns to the deployment\'s EASEL_RETAIN_*_DAYS, a field left out is unchanged). `temp: yes` outputs are always deleted once their links expire. The sweeper runs every EASEL_RETENTION_SWEEP_MS on one gateway at a time.',
  ),
  'EnterpriseController.createKey': admin(
    'Create an API key',
    'Fields: tenant_id, name, scopes (generate, admin), rate_limit_per_minute, max_concurrent_jobs. The secret is in the answer, once.',
  ),
  'EnterpriseController.listKeys': admin('List API keys', 'Fields: tenant_id.'),
  'EnterpriseController.revokeKey': admin('Revoke an API key', 'Fields: tenant_id, key_id (required).'),
  'EnterpriseController.addCredits': admin(
    'Add credits to a tenant',
    'Fields: tenant_id, amount (required), note.',
  ),
  'EnterpriseController.creditReport': admin("A tenant's credit ledger", 'Fields: tenant_id, limit.'),
  'EnterpriseController.systemDetails': admin('System details (CPU, loaded models, queue)'),
  'EnterpriseController.allModels': admin('Every model of the deployment'),
  'EnterpriseController.loadModel': admin('Load a model from a URL', 'As /api/v3/load_model, for the admin key\'s tenant.'),
  'EnterpriseController.deleteModel': admin('Delete a model', 'As /api/v3/delete_model, for the admin key\'s tenant.'),
  'EnterpriseController.verifyModel': admin("A model's load status", 'Field: model_id. `loading`, `model_ready` or `failed` with `error`.'),
};
