/** pdfmake's own description of its bundled Roboto family: absolute paths of the .ttf files in the installed package. */
declare module 'pdfmake/fonts/Roboto' {
  const fonts: {
    readonly Roboto: { readonly normal: string; readonly bold: string; readonly italics: string; readonly bolditalics: string };
  };
  export = fonts;
}
