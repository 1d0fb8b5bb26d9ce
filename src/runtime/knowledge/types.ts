/** The frameworks whose code symbols an entry can explain. */
export type Framework = 'pytorch' | 'keras' | 'tfjs' | 'onnx';

export const frameworks: readonly Framework[] = ['pytorch', 'keras', 'tfjs', 'onnx'];

/**
 * One explanation in the knowledge base.
 * Symbols are canonical, fully qualified names: `torch.nn.Conv2d`, `torch.nn.functional.conv2d`,
 * `torchvision.ops.roi_align`, `keras.layers.Conv2D`, `tf.layers.conv2d` (TensorFlow.js), `Conv` (ONNX op type).
 */
export interface KnowledgeEntry {
  id: string;
  title: string;
  /** Two to four lines of plain Markdown that fit a hover. */
  summary: string;
  /** The full explanation in Markdown; formulas are written with Unicode math so they read well without a renderer. */
  body: string;
  /** Numbers (1-50) of the seed questions this entry answers. */
  seeds: number[];
  aliases: string[];
  symbols: Partial<Record<Framework, string[]>>;
  related: string[];
}
