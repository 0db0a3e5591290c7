import { Module } from '@nestjs/common';
import { QueryContext } from '../read-models/queries';
import { RecordSignOffHandler } from './record-sign-off.command';
import { SignOffQueries } from './signoff.queries';
import { SignOffsController } from './signoffs.controller';

@Module({
  controllers: [SignOffsController],
  providers: [RecordSignOffHandler, QueryContext, SignOffQueries],
})
export class SignOffsModule {}
