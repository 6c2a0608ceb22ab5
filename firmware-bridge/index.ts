// Public API of the firmware bridge: device interfaces, simulators, profiles and ffmpeg lookup.
export { DeviceError, isDeviceError, type DeviceErrorCode } from './errors.ts';
export type { Amplifier, AmplifierReadback } from './amplifier/amplifier.ts';
export {
  SimulatedAmplifier,
  OVERTEMPERATURE_C,
  type AmplifierFault,
  type SimulatedAmplifierOptions,
} from './amplifier/simulated-amplifier.ts';
export type { LedBoard, LedBoardStatus, LedMessageInput } from './led/led-board.ts';
export { SimulatedLedBoard, type LedBoardFault, type SimulatedLedBoardOptions } from './led/simulated-led-board.ts';
export { ledMessageToText, ledPagesToText, ledPageLines, cleanLedText, ledLength, type CleanText } from './led/text.ts';
export {
  HardwareProfile,
  SpeakerProfile,
  LedProfile,
  PLANNED_DRIVERS,
  parseHardwareProfile,
  type HardwareProfileInput,
  type AmplifierConfig,
  type LedBoardConfig,
} from './hardware-profile.ts';
export { createHardware, type Hardware, type CreateHardwareOptions } from './create-hardware.ts';
export { resolveFfmpeg, type ResolvedFfmpeg } from './audio/ffmpeg-path.ts';
