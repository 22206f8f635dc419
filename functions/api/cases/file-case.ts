import { fileCase as file } from '../../domain/cases/intake';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { fileCase } from '../../routes/cases';
import { intakeDeps } from '../../store/deps';

const deps = intakeDeps();

export const handler = httpHandler(fileCase, async ({ body }) => created(await file(deps, body)));
