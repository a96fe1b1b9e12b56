/**
 * Cross-entropy + soft Dice over the classes a sample's dataset can tell apart. Model
 * probabilities [B,H,W,K] are first folded through the dataset's merge matrix (unlabeled classes
 * into background, "aorta" = ascending + descending), so a partially labelled set never punishes
 * the network for predicting a structure that set simply does not draw.
 */
import type * as TF from '@tensorflow/tfjs';

export interface LossWeights {
  crossEntropy: number;
  dice: number;
}

/**
 * @param probs [B,H,W,K] softmax output
 * @param target [B,H,W,K] one-hot in merged class space
 * @param merge [B,K,K] per-sample merge matrices
 * @param diceMask [K] 1 for foreground classes labelled in this batch, else 0
 */
export function segmentationLoss(tf: typeof TF, probs: TF.Tensor4D, target: TF.Tensor4D, merge: TF.Tensor3D, diceMask: TF.Tensor1D, w: LossWeights): TF.Scalar {
  return tf.tidy(() => {
    const [b, h, wd, k] = probs.shape;
    const p = tf.matMul(probs.reshape([b, h * wd, k]), merge);
    const y = target.reshape([b, h * wd, k]);
    let loss = tf.scalar(0);
    if (w.crossEntropy > 0) {
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), -1)));
      loss = loss.add(ce.mul(w.crossEntropy));
    }
    if (w.dice > 0) {
      const inter = tf.sum(tf.mul(p, y), [0, 1]);
      const denom = tf.add(tf.sum(p, [0, 1]), tf.sum(y, [0, 1]));
      const dice = tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denom, 1));
      const n = tf.maximum(tf.sum(diceMask), 1);
      const meanDice = tf.div(tf.sum(tf.mul(dice, diceMask)), n);
      loss = loss.add(tf.sub(1, meanDice).mul(w.dice));
    }
    return loss as TF.Scalar;
  });
}
