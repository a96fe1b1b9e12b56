import type { RecentStudy } from '../../../src-shared/contract/host.contract.js';
import type { ScanResult, SeriesSummary } from '../../../src-shared/contract/dicom.contract.js';
import type { Volume } from '../../../src-shared/volume/volume.js';
import type { Warning } from '../../../src-shared/errors.js';
import { app } from './app.svelte.js';
import { Task } from './task.svelte.js';

/** The study being looked at: the scanned folder, its series, and the loaded volume. */
class StudyState {
  path = $state('');
  nativeDialog = $state<boolean | undefined>(undefined);
  recent = $state.raw<RecentStudy[]>([]);
  scanTask = new Task<ScanResult>('Scanning the folder');
  loadTask = new Task<Volume>('Loading the series');
  selectedId = $state<string | null>(null);
  volume = $state.raw<Volume | null>(null);
  series = $state.raw<SeriesSummary | null>(null);
  loadWarnings = $state.raw<Warning[]>([]);
  /** Bumped on every new volume so views rebuild exactly once. */
  generation = $state(0);

  get scan(): ScanResult | null {
    return this.scanTask.result;
  }

  async refreshRecent(): Promise<void> {
    try {
      this.recent = (await app.need().host.listRecent({})).studies;
    } catch (e) {
      app.report(e, 'Could not read recent studies');
    }
  }

  async browse(): Promise<void> {
    try {
      const r = await app.need().host.pickFolder({ title: 'Open a study folder' });
      this.nativeDialog = r.supported;
      if (r.path) {
        this.path = r.path;
        await this.scanFolder();
      }
    } catch (e) {
      app.report(e, 'Could not open the folder dialog');
    }
  }

  async scanFolder(path = this.path): Promise<void> {
    const p = path.trim();
    if (!p) return;
    this.path = p;
    const api = app.need();
    const r = await this.scanTask.run((o) => api.dicom.scanFolder({ path: p }, o));
    if (!r) return;
    this.selectedId = r.mainId ?? r.series.find((s) => s.volumeCandidate)?.id ?? null;
    const main = r.series.find((s) => s.id === this.selectedId) ?? r.series[0];
    try {
      this.recent = (
        await api.host.addRecent({
          path: p,
          seriesCount: r.series.length,
          ...(main?.patientName ? { patientName: main.patientName } : {}),
          ...(main ? { description: main.studyDescription || main.description } : {}),
        })
      ).studies;
    } catch (e) {
      app.report(e, 'Could not save the recent studies list');
    }
  }

  async loadSelected(): Promise<boolean> {
    const id = this.selectedId;
    const path = this.path;
    if (!id) return false;
    const api = app.need();
    const r = await this.loadTask.run(async (o) => {
      const res = await api.dicom.loadSeries({ path, seriesId: id }, o);
      this.series = res.chosen;
      this.loadWarnings = res.warnings;
      return res.volume;
    });
    if (!r) return false;
    this.volume = r;
    this.generation++;
    return true;
  }
}

export const study = new StudyState();
