/**
 * Engines keyed by config node id. A flow node finds its link here by the config id in its
 * settings, and a server-route reply finds its server by the id in msg.modbus. A config node
 * removes only its own entry, so a late close never removes a newer deploy's link.
 */
export class LinkRegistry<L> {
  private readonly links = new Map<string, L>();

  set(configId: string, link: L): void {
    this.links.set(configId, link);
  }

  get(configId: string | undefined): L | undefined {
    return configId === undefined ? undefined : this.links.get(configId);
  }

  remove(configId: string, link: L): void {
    if (this.links.get(configId) === link) this.links.delete(configId);
  }

  get size(): number {
    return this.links.size;
  }
}
