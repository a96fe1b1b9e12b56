import type { Command } from '../command.js';
import { infoCommand } from './info.js';
import { webCommand } from './web.js';

/** The stable CLI surface; each command calls the same services as the app. */
export const commands: Command[] = [infoCommand, webCommand];
