import { getContext, onDestroy, setContext } from 'svelte';
import { ViewerGL } from './viewer-gl.js';

const KEY = Symbol('viewer-gl');

/** Called by the viewer screen: one shared WebGL window for every view below it, freed with it. */
export function provideViewerGL(onError?: (err: unknown) => void): ViewerGL {
  const gl = new ViewerGL();
  gl.onError = onError;
  setContext(KEY, gl);
  onDestroy(() => gl.dispose());
  return gl;
}

/** The viewer screen's shared window; a view outside a viewer screen gets (and frees) its own. */
export function useViewerGL(): ViewerGL {
  const shared = getContext<ViewerGL | undefined>(KEY);
  if (shared) return shared;
  const own = new ViewerGL();
  onDestroy(() => own.dispose());
  return own;
}
