import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { playFault } from './fault-plan';
import { type Citizen, ID_NUMBER, type PopulationCheck, PopulationState, sameName, type VerifyAnswer } from './population-state';
import { rawField, referenceConflict, textField } from './request-body';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function idNumberField(body: unknown): string {
  const idNumber = textField(body, 'idNumber');
  if (!ID_NUMBER.test(idNumber)) {
    throw new BadRequestException({ error: 'invalid_id_number', message: 'Số định danh cá nhân phải gồm đúng 12 chữ số' });
  }
  return idNumber;
}

/**
 * Stand-in for the national population database (Cơ sở dữ liệu quốc gia về dân cư): checks that
 * an ID number belongs to a registered citizen of that name. Idempotent by `reference`: a repeat
 * replays the first answer.
 */
@Controller()
export class PopulationController {
  constructor(private readonly state: PopulationState) {}

  @Post('population/verify')
  @HttpCode(200)
  async verify(@Body() body: unknown): Promise<VerifyAnswer> {
    const reference = textField(body, 'reference');
    const idNumber = idNumberField(body);
    const fullName = textField(body, 'fullName');
    // As real systems do, a failure echoes what was asked: MotCua must not pass it on.
    await playFault(this.state.faults, `Cơ sở dữ liệu quốc gia về dân cư (số định danh ${idNumber}, ${fullName})`);
    const previous = this.state.previous(reference);
    if (previous && (previous.idNumber !== idNumber || !sameName(previous.fullName, fullName))) throw referenceConflict(reference);
    return this.state.verify(reference, idNumber, fullName);
  }

  @Post('stub/population/citizens')
  register(@Body() body: unknown): Citizen {
    const idNumber = idNumberField(body);
    const fullName = textField(body, 'fullName');
    const birthDate = rawField(body, 'birthDate');
    if (birthDate !== undefined && (typeof birthDate !== 'string' || !DATE.test(birthDate) || Number.isNaN(Date.parse(birthDate)))) {
      throw new BadRequestException({ error: 'invalid_request', message: 'Ngày sinh phải có dạng YYYY-MM-DD' });
    }
    return this.state.register({ idNumber, fullName, ...(birthDate === undefined ? {} : { birthDate }) });
  }

  @Get('stub/population/checks')
  checks(): PopulationCheck[] {
    return this.state.checks;
  }
}
