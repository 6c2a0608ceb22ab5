#!/usr/bin/python3
"""An independent Modbus peer for wardcast's tests and benchmark: pymodbus (Debian's
python3-pymodbus 3.0.0rc1; run with /usr/bin/python3) serving the register map of
firmware-bridge/profiles/amplifiers/amp-controller-readback.yaml with fixed read-back values.

  /usr/bin/python3 test/peers/pymodbus_amp_server.py tcp PORT [UNIT]
  /usr/bin/python3 test/peers/pymodbus_amp_server.py rtu DEVICE BAUD [UNIT]

Prints "READY" on stdout when it serves. Only UNIT (default 1) answers; requests to any other unit
get no answer on RTU (a slave that is not there) and no answer over TCP either
(ignore_missing_slaves). Addresses outside the map answer exception 02.

Map: coils 0-4 (power, zones 1-4) and coil 100 (simulator audio input); discrete input 0 (powered,
fixed 1); holding register 0 (volume, 0..255); input registers 0-2: current 1234 mA,
temperature 41.5 C (raw 415, scale 0.1), faults 0b0101 (overtemperature, dc-protection).
"""
import asyncio
import logging
import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer

logging.basicConfig(level=logging.CRITICAL)
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

CURRENT_MA = 1234
TEMPERATURE_RAW = 415
FAULT_BITS = 0b0101


def context(unit):
    slave = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [False] * 101),
        di=ModbusSequentialDataBlock(0, [True]),
        hr=ModbusSequentialDataBlock(0, [0]),
        ir=ModbusSequentialDataBlock(0, [CURRENT_MA, TEMPERATURE_RAW, FAULT_BITS]),
        zero_mode=True,
    )
    return ModbusServerContext(slaves={unit: slave}, single=False)


async def main():
    mode = sys.argv[1]
    if mode == "tcp":
        port = int(sys.argv[2])
        unit = int(sys.argv[3]) if len(sys.argv) > 3 else 1
        server = await StartAsyncTcpServer(
            context=context(unit), address=("127.0.0.1", port), defer_start=True,
            allow_reuse_address=True, ignore_missing_slaves=True,
        )
        task = asyncio.create_task(server.serve_forever())
        await server.serving
        print("READY", flush=True)
        await task
    elif mode == "rtu":
        device, baud = sys.argv[2], int(sys.argv[3])
        unit = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        server = await StartAsyncSerialServer(
            context=context(unit), framer=ModbusRtuFramer, port=device, baudrate=baud,
            bytesize=8, parity="N", stopbits=1, ignore_missing_slaves=True, defer_start=True,
        )
        await server.start()
        print("READY", flush=True)
        await server.serve_forever()
    else:
        sys.exit("usage: pymodbus_amp_server.py tcp PORT [UNIT] | rtu DEVICE BAUD [UNIT]")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
