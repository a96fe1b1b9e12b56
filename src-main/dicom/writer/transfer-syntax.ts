/** The transfer syntaxes the writer produces, by the short names the CLI and contract use. */
export const TRANSFER_SYNTAX_NAMES = ['explicit-le', 'implicit-le', 'big-endian', 'deflate', 'rle'] as const;
export type TransferSyntaxName = (typeof TRANSFER_SYNTAX_NAMES)[number];

export interface TransferSyntax {
  name: TransferSyntaxName;
  uid: string;
  explicitVr: boolean;
  littleEndian: boolean;
  /** Dataset (after the file meta) is raw-deflated. */
  deflated: boolean;
  /** Pixel data is encapsulated (RLE Lossless). */
  encapsulated: boolean;
}

export const TRANSFER_SYNTAXES: Record<TransferSyntaxName, TransferSyntax> = {
  'explicit-le': { name: 'explicit-le', uid: '1.2.840.10008.1.2.1', explicitVr: true, littleEndian: true, deflated: false, encapsulated: false },
  'implicit-le': { name: 'implicit-le', uid: '1.2.840.10008.1.2', explicitVr: false, littleEndian: true, deflated: false, encapsulated: false },
  'big-endian': { name: 'big-endian', uid: '1.2.840.10008.1.2.2', explicitVr: true, littleEndian: false, deflated: false, encapsulated: false },
  deflate: { name: 'deflate', uid: '1.2.840.10008.1.2.1.99', explicitVr: true, littleEndian: true, deflated: true, encapsulated: false },
  rle: { name: 'rle', uid: '1.2.840.10008.1.2.5', explicitVr: true, littleEndian: true, deflated: false, encapsulated: true },
};

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
