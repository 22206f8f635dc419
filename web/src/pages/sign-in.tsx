import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { loadConfig } from '../app/api';
import { loadStaffConfig } from '../app/config';
import { Frame, Loading, Notice, mount } from '../app/components/frame';
import { messages } from '../app/i18n';
import { finishSignIn } from '../app/oidc';
import { dropToken } from '../app/session';
import { staffCommon } from '../messages/staff';

/**
 * Where the identity provider returns staff with the authorization code: the sign-in is completed here,
 * then the browser goes back to the staff page it started from.
 */
function SignInReturn() {
  const m = messages(staffCommon);
  const failed = useSignal(false);
  useEffect(() => {
    loadStaffConfig(loadConfig)
      .then(async (config) => {
        if (config.auth.kind !== 'oidc') return location.replace('./');
        location.replace(await finishSignIn(config.auth));
      })
      .catch((err: unknown) => {
        console.error(err);
        dropToken('signInFailed');
        failed.value = true;
      });
  }, []);
  return (
    <Frame title={m.signInHeading}>
      <h1>{m.signInHeading}</h1>
      {failed.value ? (
        <>
          <Notice kind="error">{m.errSignInFailed}</Notice>
          <p>
            <a href="supervisor.html">{m.signIn}</a>
          </p>
        </>
      ) : (
        <Loading />
      )}
    </Frame>
  );
}

mount(<SignInReturn />);
