import type { Volume } from '../../../src-shared/volume/volume.js';
import { segmentation } from '../stores/segmentation.svelte.js';
import { viewer } from '../stores/viewer.svelte.js';
import type { SliceScene } from './slice-scene.js';

/**
 * Keep a slice scene's image layers in step with the study: the CT, the window, the label map
 * (while `labelsShown`) and, for views that offer it, the low-confidence tint. One effect per
 * layer, so a window change never re-uploads the labels. Call from a component's script.
 */
export function followStudyLayers(scene: () => SliceScene | undefined, volume: () => Volume, labelsShown: () => boolean, withConfidence: boolean): void {
  $effect(() => {
    const v = volume();
    scene()?.setVolume(v, v.data);
  });
  $effect(() => {
    scene()?.setWindow(viewer.wl);
  });
  $effect(() => {
    void viewer.redraw;
    scene()?.setLabels(volume(), labelsShown() ? (segmentation.labels ?? null) : null, segmentation.style);
  });
  if (withConfidence) {
    $effect(() => {
      scene()?.setConfidence(volume(), segmentation.showConfidence ? (segmentation.confidence ?? null) : null, segmentation.confidenceBelow);
    });
  }
}
