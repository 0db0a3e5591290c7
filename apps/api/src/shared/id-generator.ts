import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** New record ids (UUIDs, which fit the domain's id pattern) for records whose id the client did not choose. */
@Injectable()
export class IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
