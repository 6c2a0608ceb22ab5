// The whole public API of the firmware bridge, for the CLI, tools and tests: device interfaces,
// drivers, simulators, transports, profiles, probes and ffmpeg lookup. It loads all of them; the hub
// and the agent use the small entries instead (browser.ts, hardware.ts, audio.ts; ARCHITECTURE.md).
export * from './browser.ts';
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
export { loadHardware } from './load-hardware.ts';
export { resolveFfmpeg, type ResolvedFfmpeg } from './audio/ffmpeg-path.ts';
export { spawnTied } from './audio/tied-spawn.ts';
// Alpha-protocol LED boards (serial or serial device server), their simulator and dot-matrix rendering.
export {
  AlphaLedBoard,
  BRIGHTNESS_LEVELS,
  type AlphaBoardStatus,
  type AlphaLedBoardOptions,
} from './led/alpha/alpha-led-board.ts';
export {
  AlphaSimulator,
  startAlphaSimulator,
  type AlphaSimulatorFault,
  type AlphaSimulatorOptions,
  type StartAlphaSimulatorOptions,
} from './led/alpha/alpha-simulator.ts';
export { createAlphaLedBoard } from './led/alpha/create-alpha-board.ts';
export { AlphaSerialBoardConfig, AlphaTcpBoardConfig, type AlphaBoardConfig } from './led/alpha/profile.ts';
export { probeLedBoard, formatLedProbe, type LedProbeOptions, type LedProbeResult } from './led/alpha/probe-led.ts';
export { CHARSETS, type Charset, stripDiacritics } from './led/alpha/charset.ts';
export * as ledRender from './led/render/index.ts';
export {
  StreamLink,
  type LinkOptions,
  type LinkStats,
  type Exchange,
  type ParseStep,
} from './transport/serial-link.ts';
export { SerialPortLink, type SerialLinkSettings } from './transport/serial-port-link.ts';
export { TcpStreamLink, type TcpStreamSettings } from './transport/tcp-stream.ts';
// Modbus amplifiers (RTU or TCP): transport, register maps, driver, simulators and probe.
export {
  ModbusBus,
  ModbusUnit,
  MODBUS_EXCEPTIONS,
  exceptionText,
  describeLink,
  type ModbusLinkSettings,
  type ModbusBusOptions,
  type ModbusStats,
} from './transport/modbus-master.ts';
export {
  ModbusTcpServer,
  ModbusRtuServer,
  ModbusException,
  handlePdu,
  crc16,
  withCrc,
  type ModbusDataModel,
} from './transport/modbus-server.ts';
export {
  RegisterMap,
  parseRegisterMap,
  loadRegisterMap,
  shippedRegisterMaps,
  type RegisterMapInput,
} from './amplifier/register-map.ts';
export type { ReadbackValue } from './amplifier/amplifier.ts';
export { ModbusAmplifier } from './amplifier/modbus-amplifier.ts';
export {
  ModbusAmplifierSimulator,
  ModbusRelayBoardSimulator,
  SIM_AUDIO_COIL,
  type ModbusSimFault,
  type ModbusAmplifierSimulatorOptions,
} from './amplifier/modbus-amplifier-simulator.ts';
export { createModbusAmplifier } from './amplifier/create-modbus-amplifier.ts';
export { probeAmplifier, formatAmplifierProbe, type AmplifierProbeResult } from './amplifier/probe-amplifier.ts';
