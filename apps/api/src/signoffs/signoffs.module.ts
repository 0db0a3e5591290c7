import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { QueryContext } from '../read-models/queries';
import { RecordSignOffHandler } from './record-sign-off.command';
import { SignOffSigning } from './signoff-signing.service';
import { SignOffQueries } from './signoff.queries';
import { SignOffsController } from './signoffs.controller';

@Module({
  imports: [KeysModule],
  controllers: [SignOffsController],
  providers: [RecordSignOffHandler, SignOffSigning, QueryContext, SignOffQueries],
})
export class SignOffsModule {}
