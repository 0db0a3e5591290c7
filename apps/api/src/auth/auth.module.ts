import { Module } from '@nestjs/common';
import { AdministratorBootstrap } from './administrator.bootstrap';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { AUTHENTICATOR } from './authenticated-actor';
import { IdentityCommands } from './identity-commands.service';
import { IDENTITY_CONFIG, identityConfigFromEnv } from './identity.config';
import { IdentityIndex } from './identity.index';
import { MeController } from './me/me.controller';
import { UserQueries } from './users/user.queries';
import { UsersController } from './users/users.controller';

const infrastructure = [
  { provide: IDENTITY_CONFIG, useFactory: identityConfigFromEnv },
  IdentityIndex,
  { provide: AUTHENTICATOR, useExisting: IdentityIndex },
  AuthFailureLimiter,
];
const application = [IdentityCommands, UserQueries, AdministratorBootstrap];

/**
 * Who is calling and who may call: users and API tokens (`user-<id>` streams), the authenticator behind the global
 * `BearerAuthGuard`, the first administrator, and the /v1/users and /v1/me endpoints. The guard itself is registered
 * as APP_GUARD by AppModule, which resolves AUTHENTICATOR and the limiter from the exports below.
 */
@Module({
  controllers: [UsersController, MeController],
  providers: [...infrastructure, ...application],
  exports: [AUTHENTICATOR, AuthFailureLimiter, IdentityIndex, IdentityCommands],
})
export class AuthModule {}
