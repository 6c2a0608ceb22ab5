// Device entry of the firmware bridge, for the edge agent: the hardware profile, `loadHardware`
// (which imports a Modbus or Alpha driver only when the profile names one), the device interfaces
// and their errors. It loads no driver, simulator or transport itself, which keeps an agent small
// (docs/boards.md); tools and tests that want those use firmware-bridge/index.ts.
export { DeviceError, isDeviceError, type DeviceErrorCode } from './errors.ts';
export type { Amplifier, AmplifierReadback, ReadbackValue } from './amplifier/amplifier.ts';
export type { LedBoard, LedBoardStatus, LedMessageInput } from './led/led-board.ts';
export { ledMessageToText } from './led/text.ts';
export {
  HardwareProfile,
  parseHardwareProfile,
  type HardwareProfileInput,
  type AmplifierConfig,
  type LedBoardConfig,
} from './hardware-profile.ts';
export { loadHardware, type Hardware, type CreateHardwareOptions } from './load-hardware.ts';
