import * as z from 'zod/mini';
import { ZId } from '../domain/ids';

/** The path parameters of a route that names one thing by its id: `{ unitId }`, `{ formId }`… */
export const idParams = <const K extends string>(name: K) => z.object({ [name]: ZId } as { [P in K]: typeof ZId });
