import { BitWriter, nalUnit } from './bit-writer';
import { rgbToYuv420, type Yuv420Frame } from './yuv420';

/**
 * An H.264 (Constrained Baseline) elementary stream whose every picture is an IDR of I_PCM
 * macroblocks: the samples travel as they are, so it is lossless in 4:2:0 and needs no
 * motion search, transform or entropy coder. Every H.264 decoder plays it (browsers included);
 * the price is size (1.5 bytes per pixel per frame). The opt-in x264 encoder compresses.
 */
export interface H264Stream {
  sps: Uint8Array;
  pps: Uint8Array;
  /** One access unit per frame: the slice NAL unit (SPS/PPS travel out of band, in avcC). */
  frames: Uint8Array[];
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
}

const PROFILE_BASELINE = 66;
const CONSTRAINED_BASELINE_FLAGS = 0xc0; // constraint_set0 and set1: decodable by Main-profile decoders too
const MB_TYPE_I_PCM = 25; // in I slices
const NAL_SLICE_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

/** Table A-1: (level_idc, MaxFS in macroblocks, MaxBR in kbit/s for Baseline). */
const LEVELS: readonly [number, number, number][] = [
  [30, 1620, 10000],
  [31, 3600, 14000],
  [32, 5120, 20000],
  [40, 8192, 20000],
  [41, 8192, 50000],
  [42, 8704, 50000],
  [50, 22080, 135000],
  [51, 36864, 240000],
  [52, 36864, 240000],
];

function levelFor(macroblocks: number, kbps: number): number {
  return (LEVELS.find(([, fs, br]) => macroblocks <= fs && kbps <= br) ?? LEVELS[LEVELS.length - 1])[0];
}

function spsRbsp(mbWidth: number, mbHeight: number, width: number, height: number, levelIdc: number): Uint8Array {
  const w = new BitWriter();
  w.u(8, PROFILE_BASELINE);
  w.u(8, CONSTRAINED_BASELINE_FLAGS);
  w.u(8, levelIdc);
  w.ue(0); // seq_parameter_set_id
  w.ue(0); // log2_max_frame_num_minus4
  w.ue(2); // pic_order_cnt_type 2: output order is decode order
  w.ue(0); // max_num_ref_frames: every picture is intra
  w.u(1, 0); // gaps_in_frame_num_value_allowed_flag
  w.ue(mbWidth - 1);
  w.ue(mbHeight - 1);
  w.u(1, 1); // frame_mbs_only_flag
  w.u(1, 1); // direct_8x8_inference_flag
  const cropRight = (mbWidth * 16 - width) / 2; // 4:2:0 crops in units of 2 samples
  const cropBottom = (mbHeight * 16 - height) / 2;
  const cropping = cropRight > 0 || cropBottom > 0;
  w.u(1, cropping ? 1 : 0);
  if (cropping) {
    w.ue(0);
    w.ue(cropRight);
    w.ue(0);
    w.ue(cropBottom);
  }
  w.u(1, 1); // vui_parameters_present_flag: say which colour space the samples are in
  w.u(1, 0); // aspect_ratio_info_present_flag
  w.u(1, 0); // overscan_info_present_flag
  w.u(1, 1); // video_signal_type_present_flag
  w.u(3, 5); // video_format: unspecified
  w.u(1, 0); // video_full_range_flag: limited range
  w.u(1, 1); // colour_description_present_flag
  w.u(8, 1); // colour_primaries: BT.709
  w.u(8, 1); // transfer_characteristics: BT.709
  w.u(8, 1); // matrix_coefficients: BT.709
  w.u(1, 0); // chroma_loc_info_present_flag
  w.u(1, 0); // timing_info_present_flag (the container has the timing)
  w.u(1, 0); // nal_hrd_parameters_present_flag
  w.u(1, 0); // vcl_hrd_parameters_present_flag
  w.u(1, 0); // pic_struct_present_flag
  w.u(1, 1); // bitstream_restriction_flag: no reordering, so a decoder shows each picture as soon as it is decoded
  w.u(1, 1); // motion_vectors_over_pic_boundaries_flag
  w.ue(0); // max_bytes_per_pic_denom
  w.ue(0); // max_bits_per_mb_denom
  w.ue(16); // log2_max_mv_length_horizontal
  w.ue(16); // log2_max_mv_length_vertical
  w.ue(0); // max_num_reorder_frames
  w.ue(1); // max_dec_frame_buffering
  return w.trailing();
}

function ppsRbsp(): Uint8Array {
  const w = new BitWriter();
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.u(1, 0); // entropy_coding_mode_flag: CAVLC
  w.u(1, 0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.u(1, 0); // weighted_pred_flag
  w.u(2, 0); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.u(1, 1); // deblocking_filter_control_present_flag (the slices turn it off)
  w.u(1, 0); // constrained_intra_pred_flag
  w.u(1, 0); // redundant_pic_cnt_present_flag
  return w.trailing();
}

function sliceRbsp(frame: Yuv420Frame, idrPicId: number): Uint8Array {
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I (all slices of the picture are I)
  w.ue(0); // pic_parameter_set_id
  w.u(4, 0); // frame_num (an IDR's is 0)
  w.ue(idrPicId); // consecutive IDRs differ
  w.u(1, 0); // no_output_of_prior_pics_flag
  w.u(1, 0); // long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: off (lossless samples stay as they are)
  const mbWidth = frame.width / 16;
  const mbHeight = frame.height / 16;
  const cw = frame.width / 2;
  const luma = new Uint8Array(256);
  const chroma = new Uint8Array(64);
  for (let my = 0; my < mbHeight; my++) {
    for (let mx = 0; mx < mbWidth; mx++) {
      w.ue(MB_TYPE_I_PCM);
      w.alignZero();
      for (let r = 0; r < 16; r++) luma.set(frame.y.subarray((my * 16 + r) * frame.width + mx * 16, (my * 16 + r) * frame.width + mx * 16 + 16), r * 16);
      w.bytesAligned(luma);
      for (const plane of [frame.cb, frame.cr]) {
        for (let r = 0; r < 8; r++) chroma.set(plane.subarray((my * 8 + r) * cw + mx * 8, (my * 8 + r) * cw + mx * 8 + 8), r * 8);
        w.bytesAligned(chroma);
      }
    }
  }
  return w.trailing();
}

/** Frames of interleaved RGB bytes (width × height, both even) → an H.264 stream at `fps`. */
export function encodeH264Pcm(frames: readonly Uint8Array[], width: number, height: number, fps: number): H264Stream {
  if (width % 2 || height % 2) throw new RangeError(`H.264 4:2:0 needs even sides (got ${width}×${height})`);
  const mbWidth = Math.ceil(width / 16);
  const mbHeight = Math.ceil(height / 16);
  const kbps = (mbWidth * mbHeight * 384 * 8 * fps) / 1000;
  const levelIdc = levelFor(mbWidth * mbHeight, kbps);
  const sps = nalUnit(3, NAL_SPS, spsRbsp(mbWidth, mbHeight, width, height, levelIdc));
  const pps = nalUnit(3, NAL_PPS, ppsRbsp());
  const slices = frames.map((rgb, i) => nalUnit(3, NAL_SLICE_IDR, sliceRbsp(rgbToYuv420(rgb, width, height, mbWidth * 16, mbHeight * 16), i % 2)));
  return { sps, pps, frames: slices, profileIdc: PROFILE_BASELINE, constraintFlags: CONSTRAINED_BASELINE_FLAGS, levelIdc };
}
