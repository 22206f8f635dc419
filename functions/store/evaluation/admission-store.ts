import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { ZInvitationBatch, type InvitationBatch } from '../../domain/evaluation/invitations';
import { itemsOf } from '../items';

/**
 * What admission keeps: invitation batches in the catalog table (what was issued, never the tokens or who
 * got them), and the salts of open ballots' client keys in the responses table.
 *
 * | item             | table     | pk                     | sk             |
 * |------------------|-----------|------------------------|----------------|
 * | invitation batch | catalog   | `INVITES#<periodId>`   | `<batchId>`    |
 * | a day's salt     | responses | `SALT`                 | `<YYYY-MM-DD>` |
 */
const invitesPk = (periodId: string) => `INVITES#${periodId}`;
/** The partition of the salts in the responses table; the day-salts job may touch nothing else there. */
export const SALT_PARTITION = 'SALT';
const SALT_PK = SALT_PARTITION;

const ZDaySalt = z.object({ day: z.iso.date(), salt: z.string().check(z.minLength(32)) });

/** Invitation batches (catalog table). */
export function invitationStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    createInvitationBatch: (b: InvitationBatch) => items.create({ pk: invitesPk(b.periodId), sk: b.batchId }, ZInvitationBatch.parse(b), b.batchId),
    getInvitationBatch: (periodId: string, batchId: string): Promise<InvitationBatch | undefined> =>
      items.get({ pk: invitesPk(periodId), sk: batchId }, ZInvitationBatch),
    listInvitationBatches: (periodId: string): Promise<InvitationBatch[]> => items.query(invitesPk(periodId), ZInvitationBatch),
  };
}

/**
 * The salts of open ballots' client keys live in the responses table, apart from every period's ballots
 * (`SALT` / `<YYYY-MM-DD>`), because the submit function may only add items there: the first submission of
 * a day makes the day's salt with a conditional put that hands back the salt another function made first —
 * one write, no read. The day-salts job deletes each salt once its day is over; from then on nobody can test
 * an address against that day's keys.
 */
export function saltMaker(db: DynamoDBDocumentClient, table: string, newSalt: () => string): (day: string) => Promise<string> {
  const known = new Map<string, string>();
  return async (day) => {
    let salt = known.get(day);
    if (!salt) {
      const mine = newSalt();
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { pk: SALT_PK, sk: day, day, salt: mine },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        salt = mine;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
        salt = ZDaySalt.parse(unmarshall(error.Item)).salt;
      }
      // Yesterday's salt is no use to a function that lives on: keep only the days asked for lately.
      if (known.size > 2) known.clear();
      known.set(day, salt);
    }
    return salt;
  };
}

/** Lists and forgets salts: for the day-salts job. */
export function saltKeeper(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    /** The days that have a salt. */
    saltDays: async (): Promise<string[]> => (await items.query(SALT_PK, ZDaySalt)).map((s) => s.day),
    deleteSalt: async (day: string): Promise<void> => {
      await db.send(new DeleteCommand({ TableName: table, Key: { pk: SALT_PK, sk: day } }));
    },
  };
}
