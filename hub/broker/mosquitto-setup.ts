// `wardcast broker mosquitto-config`: writes mosquitto.conf and the dynamic-security file with the
// hub's admin client, and says what the hub's environment needs. Used by the tests too, so what
// they run against is exactly what an operator gets.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomSecret } from '../auth/passwords.ts';
import { initialDynsecConfig, mosquittoConf } from './mosquitto-config.ts';

export interface MosquittoSetup {
  confFile: string;
  dynsecFile: string;
  passwordFile: string;
  hubUsername: string;
  hubPassword: string;
  url: string;
  /** The hub's environment for this broker. */
  env: Record<string, string>;
}

export function writeMosquittoSetup(o: {
  dir: string;
  port?: number;
  host?: string;
  hubUsername?: string;
  hubPassword?: string;
  topicPrefix?: string;
  persistence?: boolean;
  force?: boolean;
}): MosquittoSetup {
  const dir = path.resolve(o.dir);
  const port = o.port ?? 1883;
  const hubUsername = o.hubUsername ?? 'wardcast-hub';
  const hubPassword = o.hubPassword ?? randomSecret(24);
  mkdirSync(dir, { recursive: true });
  const confFile = path.join(dir, 'mosquitto.conf');
  const dynsecFile = path.join(dir, 'dynamic-security.json');
  const passwordFile = path.join(dir, 'hub-mqtt-password');
  // The plugin's file is the broker's user database: never overwrite one silently.
  if (!o.force && existsSync(dynsecFile))
    throw new Error(`${dynsecFile} exists already (it holds the broker's clients); remove it or pass --force`);
  writeFileSync(confFile, mosquittoConf({ dir, port, host: o.host, persistence: o.persistence }));
  writeFileSync(
    dynsecFile,
    `${JSON.stringify(initialDynsecConfig({ hubUsername, hubPassword, topicPrefix: o.topicPrefix }), null, 2)}\n`,
    { mode: 0o600 },
  );
  writeFileSync(passwordFile, `${hubPassword}\n`, { mode: 0o600 });
  const url = `mqtt://${o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1'}:${port}`;
  return {
    confFile,
    dynsecFile,
    passwordFile,
    hubUsername,
    hubPassword,
    url,
    env: { WARDCAST_MQTT_URL: url, WARDCAST_MQTT_USERNAME: hubUsername, WARDCAST_MQTT_PASSWORD_FILE: passwordFile },
  };
}
