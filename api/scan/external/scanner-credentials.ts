/**
 * Pull credentials for an external scanner: registry tokens of a system robot
 * that Wharf creates for itself on first use. The robot's id is kept in the
 * system settings, and the pull policy lets that robot pull images it blocks
 * for everyone else (Harbor exempts its scanner pulls the same way).
 */
import type { Prisma } from '../../db/client.ts';
import type { RobotService } from '../../robots/robot-service.ts';
import type { TokenService } from '../../token/token-service.ts';
import type { Caller } from '../../access/caller.ts';

const SCANNER_ROBOT_KEY = 'scan.scannerRobotId';
const SCANNER_ROBOT_NAME = 'wharf-scanner';

export class ScannerCredentials {
  #robotId: number | undefined;

  constructor(
    private readonly prisma: Prisma,
    private readonly robots: RobotService,
    private readonly tokens: TokenService,
  ) {}

  /** Returns an Authorization header value that lets the scanner pull from one repository. */
  async authorizationFor(repository: string): Promise<string> {
    const robotId = await this.#ensureRobot();
    const robot = await this.robots.findActive(robotId);
    if (!robot) throw new Error(`the scanner robot (id ${robotId}) is disabled or expired; enable it to use the external scanner`);
    const caller: Caller = { kind: 'robot', robot, credential: 'robot-secret' };
    const issued = await this.tokens.issue(caller, [{ type: 'repository', name: repository, actions: ['pull'] }]);
    return `Bearer ${issued.token}`;
  }

  /** Checks whether the caller is the scanner robot. */
  async isScanner(caller: Caller): Promise<boolean> {
    if (caller.kind !== 'robot') return false;
    return caller.robot.id === (await this.#storedRobotId());
  }

  async #storedRobotId(): Promise<number | undefined> {
    if (this.#robotId !== undefined) return this.#robotId;
    const setting = await this.prisma.systemSetting.findUnique({ where: { key: SCANNER_ROBOT_KEY } });
    this.#robotId = typeof setting?.value === 'number' ? setting.value : undefined;
    return this.#robotId;
  }

  async #ensureRobot(): Promise<number> {
    const stored = await this.#storedRobotId();
    if (stored !== undefined) return stored;

    // NOTE: two instances creating the robot at once make the second fail with CONFLICT; its scan fails and is retried by a rescan.
    const { robot } = await this.robots.create({
      name: SCANNER_ROBOT_NAME,
      description: 'Pulls images for the external vulnerability scanner; created by Wharf',
      grants: [{ project: '*', actions: ['repository:pull', 'scan:read'] }],
    });
    await this.prisma.systemSetting.create({ data: { key: SCANNER_ROBOT_KEY, value: robot.id } });
    this.#robotId = robot.id;
    return robot.id;
  }
}
