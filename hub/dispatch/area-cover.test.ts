import { describe, expect, it } from 'vitest';
import { coverDevices, startCover, type FleetDevice } from './area-cover.ts';

const D = 'ha-noi/thanh-xuan';
const HD = `${D}/ha-dinh`;
const KG = `${D}/kim-giang`;
const dev = (id: string, areaPath: string, kind: FleetDevice['kind'] = 'speaker', enrolled = true): FleetDevice => ({
  id,
  kind,
  areaPath,
  enrolled,
});
const fleet = [
  dev('hd-1', HD),
  dev('hd-2', HD),
  dev('hd-led', HD, 'led'),
  dev('kg-1', KG),
  dev('kg-2', KG),
  dev('hn-1', 'ha-noi/ba-dinh'),
];
const speakers = (k: string) => k === 'speaker';
const all = () => true;

describe('coverDevices', () => {
  it('a district emergency is one area, never above the area the broadcast names', () => {
    const targets = new Set(['hd-1', 'hd-2', 'hd-led', 'kg-1', 'kg-2']);
    expect(coverDevices(fleet, [D], targets, targets, all)).toEqual({ areas: [D], devices: [] });
    // Even when the district holds the whole fleet: a device registered later elsewhere must not get it.
    const small = fleet.filter((d) => d.id !== 'hn-1');
    expect(coverDevices(small, [D], targets, targets, all)).toEqual({ areas: [D], devices: [] });
  });

  it('a device the plan left off spoils its ward: the rest of that ward goes one by one', () => {
    const allowed = new Set(['hd-1', 'hd-led', 'kg-1', 'kg-2']); // hd-2 taken off by a clash decision
    expect(coverDevices(fleet, [D], allowed, allowed, all)).toEqual({ areas: [KG], devices: ['hd-1', 'hd-led'] });
  });

  it('a device that would not act (an LED board, audio only) does not spoil an area', () => {
    const allowed = new Set(['hd-1', 'hd-2', 'kg-1', 'kg-2']);
    expect(coverDevices(fleet, [D], allowed, allowed, speakers)).toEqual({ areas: [D], devices: [] });
  });

  it('named devices get their own topics; a lone device in an area too', () => {
    const targets = new Set(['hd-1', 'hd-2', 'kg-1']);
    expect(coverDevices(fleet, [], targets, targets, all)).toEqual({ areas: [], devices: ['hd-1', 'hd-2', 'kg-1'] });
    const ward = new Set(['hd-1', 'hd-2', 'hd-led', 'kg-1']);
    expect(coverDevices(fleet, [HD], ward, ward, all)).toEqual({ areas: [HD], devices: ['kg-1'] });
  });

  it('only wanted (enrolled) devices are addressed; one awaiting enrolment in a target area does not spoil it', () => {
    const withPending = [...fleet, dev('hd-new', HD, 'speaker', false)];
    const allowed = new Set(['hd-1', 'hd-2', 'hd-led', 'hd-new']);
    expect(coverDevices(withPending, [HD], new Set(['hd-1']), allowed, all)).toEqual({ areas: [], devices: ['hd-1'] });
    expect(coverDevices(withPending, [HD], new Set(['hd-1', 'hd-2']), allowed, all)).toEqual({
      areas: [HD],
      devices: [],
    });
  });

  it('pieces of the fleet added one by one cover as the whole fleet at once', () => {
    const targets = new Set(['hd-1', 'hd-2', 'hd-led', 'kg-1']);
    const cover = startCover([D], targets, targets, all);
    for (const d of fleet) cover.add([d]);
    expect(cover.result()).toEqual(coverDevices(fleet, [D], targets, targets, all));
  });

  it('for the embedded broker an area reaching too many devices goes down to the areas below it', () => {
    const atDistrict = [...fleet, dev('d-1', D)]; // a loudspeaker on the district itself, in no ward
    const targets = new Set(atDistrict.filter((d) => d.areaPath.startsWith(D)).map((d) => d.id));
    const cover = startCover([D], targets, targets, all);
    cover.add(atDistrict);
    expect(cover.result(6)).toEqual({ areas: [D], devices: [] });
    // Six devices over five: each ward on its own topic, the district's own device on its own.
    expect(cover.result(5)).toEqual({ areas: [HD, KG], devices: ['d-1'] });
    // A ward with no area below it stays one publish, however many it reaches.
    expect(cover.result(1)).toEqual({ areas: [HD, KG], devices: ['d-1'] });
  });
});
