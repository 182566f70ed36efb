import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, GraphProtoSchema, NodeProtoSchema, TensorProtoSchema, TensorProto_DataType, type GraphProto } from '../gen/onnx/onnx_pb';
import { tensorFloats } from '../onnx/model-proto';
import { indexGraphWeights, WeightLookup } from './graph-weights';
import { readLoraModules } from './lora-keys';
import { mergeLora, WeightEdits } from './merge-lora';
import { SafetensorsFile } from './safetensors';
import { encodeSafetensors } from './test-helpers';

function tensor(name: string, dims: number[], values: number[]) {
  const data = new Float32Array(values);
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
}

/**
 * Three layers the way torch.onnx writes them: a Linear on a 3-D input (MatMul on an anonymous
 * transposed [in, out] initializer, found through the node's scope), a Linear as Gemm (named,
 * [out, in], transB=1), and a 1×1 Conv (named, [out, in, 1, 1]).
 */
function graph(): GraphProto {
  return create(GraphProtoSchema, {
    initializer: [
      tensor('onnx::MatMul_7', [3, 2], [1, 2, 3, 4, 5, 6]),
      tensor('time_mlp.0.weight', [2, 3], [1, 1, 1, 1, 1, 1]),
      tensor('blk.proj_in.weight', [2, 3, 1, 1], [0, 0, 0, 0, 0, 0]),
      tensor('layers.0.q_proj.bias', [2], [0, 0]),
    ],
    node: [
      create(NodeProtoSchema, { name: '/blk/attn2/to_q/MatMul', opType: 'MatMul', input: ['x', 'onnx::MatMul_7'] }),
      create(NodeProtoSchema, { name: '/time_mlp/time_mlp.0/Gemm', opType: 'Gemm', input: ['t', 'time_mlp.0.weight'], attribute: [create(AttributeProtoSchema, { name: 'transB', i: 1n })] }),
      create(NodeProtoSchema, { name: '/blk/proj_in/Conv', opType: 'Conv', input: ['h', 'blk.proj_in.weight'] }),
    ],
  });
}

// up [2, 1] · down [1, 3] = [[1, 2, 3], [2, 4, 6]]
const UP = [1, 2];
const DOWN = [1, 2, 3];

function apply(tensors: Parameters<typeof encodeSafetensors>[0], strength = 1) {
  const g = graph();
  const edits = new WeightEdits('lora_model');
  const { modules, unrecognised } = readLoraModules(SafetensorsFile.parse(encodeSafetensors(tensors)));
  const result = mergeLora(modules, new WeightLookup(indexGraphWeights(g)), strength, edits);
  edits.commit();
  const values = Object.fromEntries(g.initializer.map((t) => [t.name, [...tensorFloats(t, 'lora_model')]]));
  return { ...result, unrecognised, values };
}

describe('LoRA merge', () => {
  it('kohya keys: alpha/rank and strength scale up·down, added transposed into an anonymous MatMul weight', () => {
    const r = apply({ 'lora_unet_blk_attn2_to_q.lora_down.weight': { shape: [1, 3], data: DOWN }, 'lora_unet_blk_attn2_to_q.lora_up.weight': { shape: [2, 1], data: UP }, 'lora_unet_blk_attn2_to_q.alpha': { shape: [], data: [0.5] } }, 2);
    // stored [in, out]: W[i][o] += 2 · 0.5 · (up·down)[o][i]
    expect(r.values['onnx::MatMul_7']).toEqual([1 + 1, 2 + 2, 3 + 2, 4 + 4, 5 + 3, 6 + 6]);
    expect(r).toMatchObject({ applied: 1, unmapped: [], unrecognised: [] });
  });

  it('diffusers/PEFT keys (no alpha: scale 1) into a Gemm [out, in] weight and a 1×1 Conv', () => {
    const r = apply({
      'unet.time_mlp.0.lora_A.weight': { shape: [1, 3], data: DOWN },
      'unet.time_mlp.0.lora_B.weight': { shape: [2, 1], data: UP },
      'unet.blk.proj_in.lora_A.weight': { shape: [1, 3, 1, 1], data: DOWN },
      'unet.blk.proj_in.lora_B.weight': { shape: [2, 1, 1, 1], data: UP },
    });
    expect(r.values['time_mlp.0.weight']).toEqual([2, 3, 4, 3, 5, 7]);
    expect(r.values['blk.proj_in.weight']).toEqual([1, 2, 3, 2, 4, 6]);
    expect(r.applied).toBe(2);
  });

  it('strength 0 leaves every weight bit-identical', () => {
    const r = apply({ 'lora_unet_blk_attn2_to_q.lora_down.weight': { shape: [1, 3], data: DOWN }, 'lora_unet_blk_attn2_to_q.lora_up.weight': { shape: [2, 1], data: UP } }, 0);
    expect(r.values['onnx::MatMul_7']).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reports keys it cannot place instead of dropping them', () => {
    const r = apply({
      'lora_unet_nowhere_to_k.lora_down.weight': { shape: [1, 3], data: DOWN },
      'lora_unet_nowhere_to_k.lora_up.weight': { shape: [2, 1], data: UP },
      'lora_unet_blk_attn2_to_q.lora_down.weight': { shape: [1, 4], data: [1, 1, 1, 1] },
      'lora_unet_blk_attn2_to_q.lora_up.weight': { shape: [2, 1], data: UP },
      'lora_unet_only_down.lora_down.weight': { shape: [1, 3], data: DOWN },
      'lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': { shape: [1, 3], data: DOWN },
      'something.hada_w1_a': { shape: [1], data: [1] },
    });
    expect(r.applied).toBe(0);
    expect(r.unmapped).toEqual([
      'lora_unet_nowhere_to_k (no such weight in the UNet graph)',
      'lora_unet_blk_attn2_to_q (LoRA [2×1]·[1×4] does not fit the weight onnx::MatMul_7 [2×3])',
    ]);
    expect(r.unrecognised).toEqual([
      'something.hada_w1_a',
      'lora_unet_only_down.lora_down.weight (no matching up weight)',
      'lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight (no matching up weight)',
    ]);
  });
});

describe('LoRA key names', () => {
  const names = (keys: string[]) =>
    readLoraModules(SafetensorsFile.parse(encodeSafetensors(Object.fromEntries(keys.map((k) => [k, { shape: [1, 1], data: [1] }]))))).modules.map((m) => `${m.component}:${m.path}`);

  it('kohya, diffusers/PEFT and attention-processor spellings (SDXL\'s te1/te2 and text_encoder_2 too) give one normalized module path', () => {
    expect(
      names([
        'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight', 'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight',
        'text_encoder.text_model.encoder.layers.1.mlp.fc1.lora_A.weight', 'text_encoder.text_model.encoder.layers.1.mlp.fc1.lora_B.weight',
        'base_model.model.down_blocks.0.attentions.0.proj_in.lora_A.weight', 'base_model.model.down_blocks.0.attentions.0.proj_in.lora_B.weight',
        'unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight', 'unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight',
        'lora_te1_text_model_encoder_layers_2_mlp_fc2.lora_down.weight', 'lora_te1_text_model_encoder_layers_2_mlp_fc2.lora_up.weight',
        'lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight', 'lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_up.weight',
        'text_encoder_2.text_model.encoder.layers.3.mlp.fc1.lora_A.weight', 'text_encoder_2.text_model.encoder.layers.3.mlp.fc1.lora_B.weight',
      ]),
    ).toEqual([
      'text_encoder:text_model_encoder_layers_0_self_attn_q_proj',
      'text_encoder:text_model_encoder_layers_1_mlp_fc1',
      'unet:down_blocks_0_attentions_0_proj_in',
      'unet:mid_block_attentions_0_transformer_blocks_0_attn1_to_out_0',
      'text_encoder:text_model_encoder_layers_2_mlp_fc2',
      'text_encoder_2:text_model_encoder_layers_0_self_attn_k_proj',
      'text_encoder_2:text_model_encoder_layers_3_mlp_fc1',
    ]);
  });

  it("Hugging Face CLIP's names find a plain `layers.N.q_proj` graph, and `to_out.0` a bare `to_out`", () => {
    const g = create(GraphProtoSchema, {
      initializer: [tensor('onnx::MatMul_1', [1, 1], [0]), tensor('onnx::MatMul_2', [1, 1], [0])],
      node: [
        create(NodeProtoSchema, { name: '/layers.0/q_proj/MatMul', opType: 'MatMul', input: ['x', 'onnx::MatMul_1'] }),
        create(NodeProtoSchema, { name: '/mid_attn/attn1/to_out/MatMul', opType: 'MatMul', input: ['x', 'onnx::MatMul_2'] }),
      ],
    });
    const lookup = new WeightLookup(indexGraphWeights(g));
    expect(lookup.find('text_model_encoder_layers_0_self_attn_q_proj')?.tensor.name).toBe('onnx::MatMul_1');
    expect(lookup.find('layers_0_q_proj')?.tensor.name).toBe('onnx::MatMul_1');
    expect(lookup.find('mid_attn_attn1_to_out_0')?.tensor.name).toBe('onnx::MatMul_2');
    expect(lookup.find('layers_1_q_proj')).toBeUndefined();
  });
});
