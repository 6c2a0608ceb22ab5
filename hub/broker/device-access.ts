// Who may use the broker, whichever broker it is: each device its own login and topics, and a
// revoked device nothing, at once. The embedded broker reads the hub's database on every connect,
// so it needs only to drop a revoked device's live connection; Mosquitto keeps its own clients and
// roles, which the hub provisions over the dynamic-security control topic.
import type { Logger } from 'pino';
import { deviceAcls } from './access-rules.ts';
import { isNotFound, type DynsecClient, type DynsecCommand, type DynsecResponse } from './mosquitto-dynsec.ts';

export interface DeviceAccess {
  /** At enrolment, before the credentials are handed out: the device's login and its topics. */
  provision(deviceId: string, password: string, areaPath: string): Promise<void>;
  /** Closes the device's live session and refuses its credentials from now on. */
  revoke(deviceId: string): Promise<void>;
  /**
   * At start: every enrolled device has its topics, nobody else has a device login. Devices whose
   * login the broker lacks (enrolled before it was used) are returned: only their password can
   * create it, and the hub keeps a hash.
   */
  reconcile(enrolled: Array<{ id: string; areaPath: string }>): Promise<{ missing: string[]; removed: string[] }>;
  close(): Promise<void>;
}

/** The embedded broker checks the database on every connect; a live connection must be closed. */
export function embeddedAccess(broker: { disconnectClient(id: string): boolean }): DeviceAccess {
  return {
    provision: async () => {},
    revoke: async (id) => void broker.disconnectClient(id),
    reconcile: async () => ({ missing: [], removed: [] }),
    close: async () => {},
  };
}

/** For a broker that enforces access on its own (docs/brokers.md, EMQX). */
export function brokerManagedAccess(): DeviceAccess {
  return {
    provision: async () => {},
    revoke: async () => {},
    reconcile: async () => ({ missing: [], removed: [] }),
    close: async () => {},
  };
}

export const DEVICE_CLIENT_TEXT = 'wardcast device';
export const deviceRole = (id: string) => `wardcast-device-${id}`;

function check(responses: DynsecResponse[], tolerate: (r: DynsecResponse) => boolean = isNotFound): DynsecResponse[] {
  const bad = responses.filter((r) => r.error && !tolerate(r));
  if (bad.length)
    throw new Error(`Mosquitto dynamic-security refused: ${bad.map((r) => `${r.command}: ${r.error}`).join('; ')}`);
  return responses;
}

/**
 * Commands per request. Each one that changes something costs the plugin a save of its whole file
 * (~65 ms of broker CPU at 3,000 devices, and growing with them), and a request must be answered
 * within the dynsec client's timeout.
 */
const BATCH = 10;

interface ListedAcl {
  acltype: string;
  topic: string;
  allow?: boolean;
  priority?: number;
}

/** A role's rules, whatever their order, as the plugin lists them (priority 0 unless set). */
const aclKey = (acls: ListedAcl[]) =>
  acls
    .map((a) => `${a.acltype} ${a.topic} ${a.allow === false ? 'deny' : 'allow'} ${a.priority ?? 0}`)
    .sort()
    .join('\n');

/** The plugin's answer to creating a client or role that exists. */
const isAlreadyThere = (r: DynsecResponse) => /already exists/i.test(r.error ?? '');

export function mosquittoDynsecAccess(o: { dynsec: DynsecClient; topicPrefix: string; log: Logger }): DeviceAccess {
  const { dynsec, log } = o;
  const run = async (commands: DynsecCommand[]) => {
    const out: DynsecResponse[] = [];
    for (let i = 0; i < commands.length; i += BATCH) out.push(...check(await dynsec.run(commands.slice(i, i + BATCH))));
    return out;
  };
  const roleCommands = (id: string, areaPath: string): DynsecCommand[] => [
    { command: 'deleteRole', rolename: deviceRole(id) },
    {
      command: 'createRole',
      rolename: deviceRole(id),
      textname: DEVICE_CLIENT_TEXT,
      acls: deviceAcls(o.topicPrefix, id, areaPath),
    },
  ];
  const removeCommands = (id: string): DynsecCommand[] => [
    // disableClient kicks the live connection; deleting then forgets the password.
    { command: 'disableClient', username: id },
    { command: 'deleteClient', username: id },
    { command: 'deleteRole', rolename: deviceRole(id) },
  ];

  return {
    async provision(id, password, areaPath) {
      // The client id is pinned too, as the embedded broker requires it to equal the username.
      const createClient: DynsecCommand = {
        command: 'createClient',
        username: id,
        password,
        clientid: id,
        textname: DEVICE_CLIENT_TEXT,
        roles: [{ rolename: deviceRole(id) }],
      };
      // A first enrolment has nothing to remove: the role and the client are simply created. Each
      // command that changes something makes the plugin save its whole file (docs/brokers.md).
      const created = await dynsec.run([...roleCommands(id, areaPath).slice(1), createClient]);
      if (created.some((r) => r.error && !isAlreadyThere(r))) check(created, () => false);
      else if (created.some(isAlreadyThere)) {
        // A replaced board, or a login left behind: the old one goes (and its connection with it)
        // before the new one exists, so no stale role or password survives.
        await run([...removeCommands(id), ...roleCommands(id, areaPath), createClient]);
      }
      log.info({ deviceId: id }, 'mosquitto: device client provisioned');
    },
    async revoke(id) {
      await run(removeCommands(id));
      log.info({ deviceId: id }, 'mosquitto: device client disabled and deleted');
    },
    async reconcile(enrolled) {
      const [list, roleList] = check(
        await dynsec.run([
          { command: 'listClients', verbose: true },
          { command: 'listRoles', verbose: true },
        ]),
      );
      const clients = (list.data?.clients ?? []) as Array<{
        username: string;
        textname?: string;
        roles?: Array<{ rolename: string }>;
      }>;
      const roles = new Map(
        ((roleList.data?.roles ?? []) as Array<{ rolename: string; acls?: ListedAcl[] }>).map((r) => [
          r.rolename,
          aclKey(r.acls ?? []),
        ]),
      );
      const byName = new Map(clients.map((c) => [c.username, c]));
      const wanted = new Map(enrolled.map((d) => [d.id, d.areaPath]));
      const removed = clients
        .filter((c) => c.textname === DEVICE_CLIENT_TEXT && !wanted.has(c.username))
        .map((c) => c.username);
      const missing = enrolled.filter((d) => !byName.has(d.id)).map((d) => d.id);
      const commands: DynsecCommand[] = removed.flatMap(removeCommands);
      // Only a role whose rules changed (or that is gone) is rebuilt: each command that changes
      // something costs the plugin a save of its whole file, and rebuilding every role at every
      // start cost a hub with 3,000 devices ~9,000 saves of a 6 MB file at every start.
      for (const d of enrolled) {
        const client = byName.get(d.id);
        if (!client) continue;
        const role = deviceRole(d.id);
        const current = roles.get(role);
        const acls = deviceAcls(o.topicPrefix, d.id, d.areaPath);
        if (current === undefined)
          commands.push(
            { command: 'createRole', rolename: role, textname: DEVICE_CLIENT_TEXT, acls },
            { command: 'addClientRole', username: d.id, rolename: role },
          );
        else {
          // Changed in place: deleting a role a connected client holds crashed Mosquitto 2.0.11
          // (general protection fault in the peer test), and costs two saves instead of one.
          if (current !== aclKey(acls)) commands.push({ command: 'modifyRole', rolename: role, acls });
          if (!client.roles?.some((r) => r.rolename === role))
            commands.push({ command: 'addClientRole', username: d.id, rolename: role });
        }
      }
      await run(commands);
      if (removed.length) log.warn({ removed }, 'mosquitto: removed clients of devices that are not enrolled');
      if (missing.length)
        log.warn(
          { missing },
          'mosquitto: enrolled devices without a broker login; they get one when they next prove their password to the hub, or with a new enrolment token (docs/brokers.md)',
        );
      return { missing, removed };
    },
    close: () => dynsec.close(),
  };
}
