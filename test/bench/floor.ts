import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

// The floor of the import-time benchmark: a function holding only @aws-sdk/client-dynamodb.
const client = new DynamoDBClient({});

export const handler = async () => client.send(new GetItemCommand({ TableName: 'floor', Key: { pk: { S: 'x' } } }));
