import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { modelCommand } from './model.js';
import { phantomCommand } from './phantom.js';
import { roiCommand } from './roi.js';
import { segmentCommand } from './segment.js';
import { webCommand } from './web.js';
import { trainCommand } from './train.js';
import { transferCommand } from './transfer.js';

/** The stable CLI surface; each command calls the same services as the app. */
export const commands: Command[] = [
  infoCommand,
  importCommand,
  phantomCommand,
  segmentCommand,
  roiCommand,
  exportCommand,
  trainCommand,
  transferCommand,
  modelCommand,
  demoCommand,
  webCommand,
];
